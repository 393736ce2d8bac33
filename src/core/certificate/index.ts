export { loadCertificate, MIN_RSA_BITS, EXPIRY_WARNING_DAYS } from "./loadCertificate";
export type { CertificateInput, CertificateSummary, LoadedCertificate, CertificateFailure } from "./types";
