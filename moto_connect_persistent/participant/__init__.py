"""The Amazon Connect Participant Service (``boto3.client("connectparticipant")``) in the mock.

What a chat client sees of a persistent chat: its transcript, including the past segments
that a rehydration made visible. The rules live in :mod:`.models` (moto's backend of
``connectparticipant``, reading the Connect backend's chats); :mod:`.responses` is the wire
and :mod:`.urls` its routes.
"""
