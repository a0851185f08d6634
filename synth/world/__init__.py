"""The clean Clipstream world: who the users are and how they behave, as pure array functions."""
