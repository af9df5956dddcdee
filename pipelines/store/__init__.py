"""The versioned record store (SQLAlchemy 2.0). Functions take a Session and never commit."""
