"""Events: triggers from the pattern dictionary, their roles, and the event records."""
