"""Local mail servers for the fault tests, on a real socket: one that accepts connections and never
answers (the "silent" server), and a minimal working SMTP server that keeps what it receives.
Each counts the connections it accepted."""

import socket
import socketserver
import threading


def reglages(port: int, *, timeout: float) -> dict:
    """The MAILERS setting that points Django's SMTP backend at a local port."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


def port_libre() -> int:
    """A local port nobody listens on (a connection to it is refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Serveur(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False


class _Base:
    def __init__(self, port: int = 0):
        self.connexions = 0
        self._verrou = threading.Lock()
        self._ouvertes: list[socket.socket] = []
        base = self

        class Gestionnaire(socketserver.BaseRequestHandler):
            def handle(self):
                with base._verrou:
                    base.connexions += 1
                    base._ouvertes.append(self.request)
                base.servir(self.request)

        self._serveur = _Serveur(("127.0.0.1", port), Gestionnaire)
        self.port = self._serveur.server_address[1]

    def servir(self, connexion: socket.socket) -> None:
        raise NotImplementedError

    def __enter__(self):
        threading.Thread(
            target=self._serveur.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc):
        self._serveur.shutdown()
        for connexion in self._ouvertes:
            connexion.close()
        self._serveur.server_close()

    def reglages(self, *, timeout: float) -> dict:
        return reglages(self.port, timeout=timeout)


class ServeurMuet(_Base):
    """Accepts every connection, then says nothing, ever: no greeting, no answer."""

    def __init__(self, port: int = 0):
        super().__init__(port)
        self._fin = threading.Event()

    def servir(self, connexion):
        self._fin.wait()

    def __exit__(self, *exc):
        self._fin.set()
        super().__exit__(*exc)


class ServeurSMTP(_Base):
    """Just enough SMTP for Django's backend: every message is accepted and kept in `recus`
    (recipients, raw data)."""

    def __init__(self, port: int = 0):
        super().__init__(port)
        self.recus: list[tuple[list[str], bytes]] = []

    def servir(self, connexion):
        fichier = connexion.makefile("rwb")

        def dire(ligne: str):
            fichier.write(ligne.encode() + b"\r\n")
            fichier.flush()

        dire("220 test ESMTP")
        destinataires: list[str] = []
        while ligne := fichier.readline():
            commande = ligne.decode(errors="replace").strip()
            verbe = commande[:4].upper()
            if verbe in ("EHLO", "HELO"):
                dire("250 test")
            elif verbe == "MAIL":
                destinataires = []
                dire("250 OK")
            elif verbe == "RCPT":
                destinataires.append(commande.split(":", 1)[1].strip(" <>"))
                dire("250 OK")
            elif verbe == "DATA":
                dire("354 Fin par un point seul")
                donnees = b""
                while (ligne := fichier.readline()) not in (b".\r\n", b""):
                    donnees += ligne
                self.recus.append((destinataires, donnees))
                dire("250 OK")
            elif verbe == "QUIT":
                dire("221 Au revoir")
                return
            else:
                dire("250 OK")
