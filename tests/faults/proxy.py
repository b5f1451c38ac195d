"""A small TCP proxy on 127.0.0.1 between the app and PostgreSQL, which a test can cut and restore: while cut, every
open connection is closed and new ones are closed as soon as they arrive — the database is unreachable."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading


class CuttableProxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.cut_off = threading.Event()
        self.closing = threading.Event()
        self.lock = threading.Lock()
        self.pairs: set[tuple[socket.socket, socket.socket]] = set()
        self.threads: list[threading.Thread] = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True, name="proxy-accept")
        self.acceptor.start()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.cut_off.is_set():
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            pair = (client, server)
            with self.lock:
                self.pairs.add(pair)
            thread = threading.Thread(target=self._pump, args=(pair,), daemon=True, name="proxy-pump")
            self.threads = [t for t in self.threads if t.is_alive()] + [thread]
            thread.start()

    def _pump(self, pair) -> None:
        client, server = pair
        other = {client: server, server: client}
        with selectors.DefaultSelector() as selector:
            for sock in pair:
                sock.setblocking(False)
                selector.register(sock, selectors.EVENT_READ)
            try:
                while not self.closing.is_set():
                    for key, _ in selector.select(timeout=0.2):
                        data = key.fileobj.recv(65536)
                        if not data:
                            return
                        other[key.fileobj].setblocking(True)
                        other[key.fileobj].sendall(data)
                        other[key.fileobj].setblocking(False)
            except OSError:
                return
            finally:
                self._close(pair)

    def _close(self, pair) -> None:
        with self.lock:
            self.pairs.discard(pair)
        for sock in pair:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def cut(self) -> None:
        """The database becomes unreachable: open connections are dropped, new ones refused."""
        self.cut_off.set()
        with self.lock:
            pairs = list(self.pairs)
        for pair in pairs:
            self._close(pair)

    def restore(self) -> None:
        self.cut_off.clear()

    def close(self) -> None:
        self.closing.set()
        self.cut()
        self.listener.close()
        self.acceptor.join(timeout=5)
        for thread in self.threads:
            thread.join(timeout=5)
