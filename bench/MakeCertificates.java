import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Issues N distinct ECDSA P-256 certificates, h0.bench.test ... h{N-1}.bench.test, from one
 * throwaway CA, as PEM pairs: DIR/h{i}.crt and DIR/h{i}.key. Names go to DIR/names.txt.
 *
 *   java -cp dataplane/target/portcullis-dataplane.jar bench/MakeCertificates.java N DIR
 */
public class MakeCertificates {
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        CertificateAuthority ca = CertificateAuthority.create("portcullis bench CA", KeyType.EC_P256);
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String name = "h" + i + ".bench.test";
            IssuedCertificate issued = ca.issueServer(List.of(name), KeyType.EC_P256);
            Files.writeString(dir.resolve("h" + i + ".crt"), issued.chainPem());
            Files.writeString(dir.resolve("h" + i + ".key"), issued.privateKeyPem());
            names.append(name).append('\n');
        }
        Files.writeString(dir.resolve("names.txt"), names);
    }
}
