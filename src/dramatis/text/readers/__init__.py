"""One reader per story format; :func:`dramatis.text.read.read_story` picks the right one.

Every reader returns a :class:`dramatis.model.Story` whose chapters, scene breaks and hidden
spans are character offsets into ``Story.text`` (see :mod:`dramatis.text.readers.structure`).
"""
