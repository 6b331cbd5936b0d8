"""File readers for execution imports: pure pandas, no ORM, each returning a ReadResult."""
