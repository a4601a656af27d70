"""The bytes between clients and the daemon: HTTP framing, the proxy, the transcript, operation names, raw HTTP, the TLS endpoint."""
