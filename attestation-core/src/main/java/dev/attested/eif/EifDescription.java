package dev.attested.eif;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The JSON {@code nitro-cli describe-eif} prints (docs/spec/eif-format.md §8.2): same field names, same order,
 * pretty-printed with a two-space indent.
 */
public final class EifDescription {
    private static final Map<String, String> OPENSSL_LONG_NAMES = Map.ofEntries(
            Map.entry("2.5.4.3", "commonName"), Map.entry("2.5.4.4", "surname"), Map.entry("2.5.4.5", "serialNumber"),
            Map.entry("2.5.4.6", "countryName"), Map.entry("2.5.4.7", "localityName"),
            Map.entry("2.5.4.8", "stateOrProvinceName"), Map.entry("2.5.4.9", "streetAddress"),
            Map.entry("2.5.4.10", "organizationName"), Map.entry("2.5.4.11", "organizationalUnitName"),
            Map.entry("2.5.4.12", "title"), Map.entry("2.5.4.42", "givenName"), Map.entry("2.5.4.46", "dnQualifier"),
            Map.entry("2.5.4.65", "pseudonym"), Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
            Map.entry("0.9.2342.19200300.100.1.25", "domainComponent"), Map.entry("0.9.2342.19200300.100.1.1", "userId"));
    private static final Map<String, String> OPENSSL_SIGNATURE_NAMES = Map.of(
            "1.2.840.10045.4.3.2", "ecdsa-with-SHA256", "1.2.840.10045.4.3.3", "ecdsa-with-SHA384",
            "1.2.840.10045.4.3.4", "ecdsa-with-SHA512", "1.2.840.113549.1.1.11", "sha256WithRSAEncryption",
            "1.2.840.113549.1.1.12", "sha384WithRSAEncryption", "1.2.840.113549.1.1.13", "sha512WithRSAEncryption");
    private static final DateTimeFormatter OPENSSL_TIME =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss uuuu 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private EifDescription() {}

    /** The describe-eif object for {@code image}; {@code hashAlgorithm} is the free-form {@code HashAlgorithm} string. */
    public static ObjectNode of(EifImage image, String hashAlgorithm) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("EifVersion", image.header().version());
        ObjectNode measurements = root.putObject("Measurements");
        measurements.put("HashAlgorithm", hashAlgorithm);
        image.measurements().asMap().forEach((index, pcr) -> measurements.put("PCR" + index, pcr.hex()));
        root.put("IsSigned", image.signed());
        image.signature().ifPresent(s -> root.set("SigningCertificate", certificate(s.certificate())));
        root.put("CheckCRC", image.crcValid());
        image.signature().ifPresent(s -> root.put("SignatureCheck", s.valid()));
        EifMetadata md = image.metadata();
        root.put("ImageName", md.imageName());
        root.put("ImageVersion", md.imageVersion());
        ObjectNode meta = root.putObject("Metadata");
        meta.put("BuildTime", md.buildMetadata().buildTime());
        meta.put("BuildTool", md.buildMetadata().buildTool());
        meta.put("BuildToolVersion", md.buildMetadata().buildToolVersion());
        meta.put("OperatingSystem", md.buildMetadata().operatingSystem());
        meta.put("KernelVersion", md.buildMetadata().kernelVersion());
        meta.set("DockerInfo", md.dockerInfo());
        JsonNode custom = md.customMetadata();
        if (custom.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = custom.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                meta.set(e.getKey(), e.getValue());
            }
        } else if (!custom.isNull()) {
            meta.set("CustomMetadata", custom);
        }
        return root;
    }

    /** Pretty JSON text of {@link #of}. */
    public static String json(EifImage image, String hashAlgorithm) {
        return EifJson.pretty(of(image, hashAlgorithm));
    }

    private static ObjectNode certificate(X509Certificate cert) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        TreeMap<String, String> issuer = new TreeMap<>();
        for (RDN rdn : X500Name.getInstance(cert.getIssuerX500Principal().getEncoded()).getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                ASN1ObjectIdentifier oid = atv.getType();
                issuer.put(OPENSSL_LONG_NAMES.getOrDefault(oid.getId(), oid.getId()),
                        atv.getValue() instanceof ASN1String str ? str.getString() : IETFUtils.valueToString(atv.getValue()));
            }
        }
        ObjectNode issuerNode = c.putObject("IssuerName");
        issuer.forEach(issuerNode::put);
        c.put("Algorithm", OPENSSL_SIGNATURE_NAMES.getOrDefault(cert.getSigAlgOID(), cert.getSigAlgOID()));
        c.put("NotBefore", OPENSSL_TIME.format(cert.getNotBefore().toInstant()));
        c.put("NotAfter", OPENSSL_TIME.format(cert.getNotAfter().toInstant()));
        c.put("Signature", HexFormat.ofDelimiter(":").withUpperCase().formatHex(cert.getSignature()));
        return c;
    }
}
