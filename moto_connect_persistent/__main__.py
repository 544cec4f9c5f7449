"""``python -m moto_connect_persistent``: the same as ``moto-connect-persistent-server``."""

from .server import main

if __name__ == "__main__":
    main(prog="python -m moto_connect_persistent")
