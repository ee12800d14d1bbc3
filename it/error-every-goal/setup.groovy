// A genuine document, a truncated one and a file that is not an EIF.
new File(basedir, 'document.b64').bytes = new File(vectorsDir, 'attestation/08-nautilus-2025-04-15-use1-prod.b64').bytes
new File(basedir, 'truncated.b64').text = 'hEQ='
new File(basedir, 'not-an.eif').text = 'This is a text file, not an enclave image file.\n' * 20
return true
