"""The chat core: what a chat is and what happens in it, knowing no HTTP and no backend.

Contacts and sessions (:mod:`.session`), transcript items and their logs (:mod:`.items`),
paging over them (:mod:`.paging`), participants and connections (:mod:`.participants`), the
one clock (:mod:`.clock`) and the one place each audience's view of an item is built
(:mod:`.views`). Nothing here imports the rest of the package: the backends and the wire
stand on it (see ARCHITECTURE.md).
"""
