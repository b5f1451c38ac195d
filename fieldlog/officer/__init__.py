"""The officer app: an offline-first PWA served as a static shell; it talks to the server only through the API."""
