"""Activities (SPEC §6): school sessions, parents' evenings, safety walks and dialogues — a second synced record."""
