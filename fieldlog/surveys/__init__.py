"""The annual safety survey (SPEC §7): waves, the fixed questionnaire, responses and their marks."""
