"""kefu: the customer-service department's handbook and work log."""

__version__ = "0.1.0"
