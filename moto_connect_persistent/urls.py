"""Routes of the persistent-chat operations, in moto's ``url_bases`` / ``url_paths`` form."""

from .responses import URL_PATTERNS, ConnectPersistentResponse

url_bases = [r"https?://connect\.(.+)\.amazonaws\.com"]

dispatch = ConnectPersistentResponse.dispatch

url_paths = {pattern: dispatch for pattern in URL_PATTERNS}
