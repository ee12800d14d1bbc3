#!/usr/bin/env python3
"""The benchmark's baseline: a small Nitro attestation-document verifier on Debian's python3-cbor2 and
python3-cryptography (what the original task used). For each file of a directory (base64): COSE_Sign1 structure,
ES384 signature over Sig_structure, certificate chain (cabundle + leaf) to the given root by signature, each
certificate valid at the document's own timestamp. Debug-mode documents are accepted and PCRs are not compared,
as `attested verify DIR --at document --any-image --allow-debug-mode` does. Prints one line per file and
'verified: true|false'; exit 0 when all verify."""
import base64
import datetime
import os
import sys

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def verify(raw, root):
    obj = cbor2.loads(raw)
    if isinstance(obj, cbor2.CBORTag):
        obj = obj.value
    protected, _unprotected, payload, signature = obj
    if cbor2.loads(protected).get(1) != -35:
        raise ValueError("not ES384")
    doc = cbor2.loads(payload)
    for field in ("module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle"):
        if field not in doc:
            raise ValueError("missing " + field)
    at = datetime.datetime.fromtimestamp(doc["timestamp"] / 1000, tz=datetime.timezone.utc).replace(tzinfo=None)
    leaf = x509.load_der_x509_certificate(doc["certificate"])
    bundle = [x509.load_der_x509_certificate(c) for c in doc["cabundle"]]
    chain = [leaf] + list(reversed(bundle))  # leaf, ..., first bundle entry (the root)
    if chain[-1].fingerprint(hashes.SHA256()) != root.fingerprint(hashes.SHA256()):
        raise ValueError("untrusted root")
    for cert, issuer in zip(chain, chain[1:] + [root]):
        if not (cert.not_valid_before <= at <= cert.not_valid_after):
            raise ValueError("certificate not valid at the document time")
        issuer.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    r, s = int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
    sig_structure = cbor2.dumps(["Signature1", protected, b"", payload])
    leaf.public_key().verify(encode_dss_signature(r, s), sig_structure, ec.ECDSA(hashes.SHA384()))


def main():
    directory, root_pem = sys.argv[1], sys.argv[2]
    with open(root_pem, "rb") as f:
        root = x509.load_pem_x509_certificate(f.read())
    ok = True
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            raw = base64.b64decode(f.read().strip())
        try:
            verify(raw, root)
            print("[ok]       " + name)
        except (ValueError, InvalidSignature, cbor2.CBORDecodeError) as e:
            ok = False
            print("[rejected] %s: %s" % (name, e or type(e).__name__))
    print("verified: " + ("true" if ok else "false"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
