"""What every test account shares: the password tests/conftest.py's make_user gives it, for
tests that sign in as a person does (a form, a browser)."""

PASSWORD = "pw-for-tests-123"
