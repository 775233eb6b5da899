"""The cast: who speaks with which voice.

:mod:`~dramatis.cast.parse` reads and validates voices.yaml, :mod:`~dramatis.cast.config`
turns it into a :class:`~dramatis.model.Cast` and appends new characters to it,
:mod:`~dramatis.cast.assign` picks voices for characters the file gives none, and
:mod:`~dramatis.cast.report` is what ``dramatis cast``, ``voices`` and ``preview`` show.
"""
