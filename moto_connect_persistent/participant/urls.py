"""Participant Service routes, in moto's ``url_bases`` / ``url_paths`` form.

moto has no participant service of its own; :func:`~..registration.register_participant_routes`
places these in the moto service that its server already picks for ``execute-api``-signed
requests (see that function for why).
"""

from .responses import URL_PATTERNS, ParticipantResponse

url_bases = [r"https?://participant\.connect\.(.+)\.amazonaws\.com"]

dispatch = ParticipantResponse.dispatch

url_paths = {pattern: dispatch for pattern in URL_PATTERNS}
