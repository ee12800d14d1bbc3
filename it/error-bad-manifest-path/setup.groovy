// One genuine document for the verify invocations (they must fail before verifying it).
new File(basedir, 'document.b64').bytes = new File(vectorsDir, 'attestation/08-nautilus-2025-04-15-use1-prod.b64').bytes
return true
