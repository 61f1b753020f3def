"""Holds one TLS association open to a Vigil node and, meanwhile, opens a second and verifies it
(C-ECHO). A node that serves TLS associations one at a time never answers the second while the
first is open. Prints "concurrent ok" and exits 0 on success.

usage: tls_concurrency.py PORT CA_CERT CLIENT_CERT CLIENT_KEY
"""
import ssl
import sys

from pynetdicom import AE
from pynetdicom.sop_class import Verification


def tls_context(ca, cert, key):
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    context.check_hostname = False  # the test certificates name no host
    context.load_cert_chain(certfile=cert, keyfile=key)
    return context


def main():
    port, ca, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    ae = AE(ae_title="SCANNER")
    ae.add_requested_context(Verification)
    ae.acse_timeout = ae.network_timeout = ae.dimse_timeout = 10
    first = ae.associate("127.0.0.1", port, ae_title="VIGIL", tls_args=(tls_context(ca, cert, key), None))
    if not first.is_established:
        print("first association not established")
        return 1
    second = ae.associate("127.0.0.1", port, ae_title="VIGIL", tls_args=(tls_context(ca, cert, key), None))
    if not second.is_established:
        print("second association not established while the first was open")
        first.release()
        return 1
    status = second.send_c_echo()
    second.release()
    first_status = first.send_c_echo()
    first.release()
    if not status or status.Status != 0 or not first_status or first_status.Status != 0:
        print("C-ECHO failed")
        return 1
    print("concurrent ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
