#!/usr/bin/env python3
"""Makes a client CA and N client certificates it issued, all for one key (ECDSA P-256), for row 8.

  client_certs.py N DIR   ->  DIR/ca.pem, DIR/client.key, DIR/certs/c{i}.crt

N distinct certificates (serials differ), so that a proxy that caches what it verified cannot
answer every handshake from its cache. One key: the client's own cost is loading a certificate.
"""
import datetime, os, sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def main():
    count, work = int(sys.argv[1]), sys.argv[2]
    os.makedirs(os.path.join(work, "certs"), exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, client_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("bench clients CA")).issuer_name(name("bench clients CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    with open(os.path.join(work, "ca.pem"), "wb") as out:
        out.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(os.path.join(work, "client.key"), "wb") as out:
        out.write(client_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    for i in range(count):
        cert = (x509.CertificateBuilder().subject_name(name(f"client-{i}")).issuer_name(ca.subject)
                .public_key(client_key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        with open(os.path.join(work, "certs", f"c{i}.crt"), "wb") as out:
            out.write(cert.public_bytes(serialization.Encoding.PEM))


if __name__ == "__main__":
    main()
