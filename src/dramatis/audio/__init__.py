"""Audio: rendering clips into chapters, loudness, DSP and the delivery check."""
