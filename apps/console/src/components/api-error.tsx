/** An API error as the user sees it: the error code, then the message (and the RequestId to find it in the audit). */
import type { ShownError } from "../api.js";

export function ApiError({ error }: { error: ShownError | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" class="api-error">
      <strong class="error-code">{error.code}</strong> <span class="error-message">{error.message}</span>
      {error.requestId ? <small class="request-id"> RequestId {error.requestId}</small> : null}
    </p>
  );
}
