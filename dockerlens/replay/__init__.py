"""Record real sessions; serve them back when no daemon exists (Binder, no-daemon mode)."""
