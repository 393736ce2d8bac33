import { FlaError } from "../errors";
import type { CertificateFailure } from "./types";

export function certificateError(reason: CertificateFailure, message: string): FlaError {
  return new FlaError("FLA_CERT", message, { reason });
}
