/**
 * `openkms serve --tls auto`: HTTPS without bringing a certificate. On the first start a self-signed ECDSA P-256
 * certificate (SHA-256 signature, 825 days, SAN `localhost`, the host name, `127.0.0.1`, `::1` and the listen
 * address) is made with @peculiar/x509 and kept in `<data-dir>/tls/` (`cert.pem`, `key.pem` 0600); later starts reuse
 * it, and make a new one only when it expires within 30 days or no longer names the listen address. Clients trust it
 * by its file (`credentials.json` `CaFile`, e.g. `NODE_EXTRA_CA_CERTS`) or by its SHA-256 fingerprint, printed at
 * every start.
 */
import { createHash, X509Certificate as NodeX509, webcrypto } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

export interface AutoTls {
  cert: Buffer;
  key: Buffer;
  /** Path of the certificate (the CA file for clients). */
  certFile: string;
  /** SHA-256 of the DER certificate, `AB:CD:…` (as `openssl x509 -fingerprint -sha256` prints it). */
  fingerprint: string;
  /** Whether the certificate was made now. */
  created: boolean;
}

const VALID_DAYS = 825;
const RENEW_BEFORE_MS = 30 * 86400_000;
const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

function fingerprintOf(pem: Buffer): string {
  const der = new NodeX509(pem).raw;
  return createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g)!.join(":");
}

/** The names a certificate must carry for `listenHost`. */
function wantedNames(listenHost: string): { dns: string[]; ips: string[] } {
  const dns = new Set(["localhost", hostname()]);
  const ips = new Set(["127.0.0.1", "::1"]);
  if (/^[\d.]+$/.test(listenHost) || listenHost.includes(":")) {
    if (listenHost !== "0.0.0.0" && listenHost !== "::") ips.add(listenHost);
  } else dns.add(listenHost);
  return { dns: [...dns].filter(Boolean), ips: [...ips] };
}

function stillGood(certPem: Buffer, listenHost: string): boolean {
  try {
    const c = new NodeX509(certPem);
    if (Date.parse(c.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    const san = c.subjectAltName ?? "";
    const { dns, ips } = wantedNames(listenHost);
    return dns.every((d) => san.includes(`DNS:${d}`)) && ips.every((ip) => san.includes(`IP Address:${ip === "::1" ? "0:0:0:0:0:0:0:1" : ip}`) || san.includes(`IP Address:${ip}`));
  } catch {
    return false;
  }
}

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;

/**
 * Load `<dataDir>/tls/{cert,key}.pem`, making them when missing, expiring within 30 days, or not naming `listenHost`.
 * @throws the file system's error when the dir cannot be written
 */
export async function autoTls(dataDir: string, listenHost: string): Promise<AutoTls> {
  const dir = join(dataDir, "tls");
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile);
    if (stillGood(cert, listenHost)) return { cert, key: readFileSync(keyFile), certFile, fingerprint: fingerprintOf(cert), created: false };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Loaded only here: @peculiar/x509 needs the Reflect metadata polyfill, which nothing else should pay for.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
  const { dns, ips } = wantedNames(listenHost);
  const now = Date.now();
  const created = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString("hex").replace(/^[89a-f]/, "1"),
    name: `CN=OpenKMS ${hostname()}, O=OpenKMS`,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + VALID_DAYS * 86400_000),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...dns.map((value) => ({ type: "dns" as const, value })), ...ips.map((value) => ({ type: "ip" as const, value }))]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto as unknown as Crypto),
    ],
  }, webcrypto as unknown as Crypto);
  const keyPem = pem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  const certPem = created.toString("pem") + "\n";
  writeFileSync(certFile, certPem, { mode: 0o644 });
  const cert = Buffer.from(certPem);
  return { cert, key: Buffer.from(keyPem), certFile, fingerprint: fingerprintOf(cert), created: true };
}
