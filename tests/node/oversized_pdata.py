"""After a normal association negotiation, sends a P-DATA-TF PDU that claims ~2 GB (far over the
negotiated maximum) followed by garbage. Prints how the node ended the association: "aborted" (an
A-ABORT or a dropped connection) or "still open" when it did not react within 15 s.

usage: oversized_pdata.py PORT CALLED_AE
"""
import struct
import sys
import time

from pynetdicom import AE
from pynetdicom.sop_class import CTImageStorage


def main():
    port, called = int(sys.argv[1]), sys.argv[2]
    ae = AE(ae_title="SCANNER")
    ae.add_requested_context(CTImageStorage)
    ae.acse_timeout = ae.network_timeout = ae.dimse_timeout = 30
    assoc = ae.associate("127.0.0.1", port, ae_title=called, max_pdu=16384)
    if not assoc.is_established:
        print("not established")
        return 1
    # P-DATA-TF (type 4), length 0x7ffffff0, then the start of a PDV and 64 KiB of garbage.
    raw = assoc.dul.socket.socket
    raw.sendall(b"\x04\x00" + struct.pack(">I", 0x7FFFFFF0) + struct.pack(">I", 0x7FFFFFEC) + b"\x01\x00" +
                b"\xab" * 65536)
    deadline = time.time() + 15
    while time.time() < deadline and assoc.is_established:
        time.sleep(0.1)
    print("aborted" if not assoc.is_established else "still open")
    if assoc.is_established:
        assoc.abort()
    return 0


if __name__ == "__main__":
    sys.exit(main())
