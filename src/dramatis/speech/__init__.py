"""Speech: TTS engines as plug-ins, line planning, synthesis and the clip cache."""
