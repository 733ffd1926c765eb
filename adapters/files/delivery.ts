/**
 * How every stored file leaves BrainOps, from the API (signed links) or from S3 (presigned GETs).
 * Files are a seller's or a user's bytes: a browser must never render one as a page of the API's
 * origin (an uploaded `evil.html` or SVG would run script with the API's cookies and origin). So a
 * file is always an attachment, always `application/octet-stream` whatever type it was stored with
 * (its name tells the buyer's system what it is), and never sniffed.
 */
export const DOWNLOAD_CONTENT_TYPE = "application/octet-stream"

/** Characters RFC 5987 allows unescaped in an ext-value (attr-char); encodeURIComponent leaves a few more. */
const rfc5987 = (value: string) => encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** `attachment` with an ASCII fallback name (quoted, only safe characters) and the exact UTF-8 name (RFC 5987/6266). */
export const attachmentDisposition = (filename: string) => {
  const fallback = filename.replace(/[^\w.-]/g, "_").replace(/^\.+/, "_") || "download"
  return `attachment; filename="${fallback}"; filename*=UTF-8''${rfc5987(filename === "" ? "download" : filename)}`
}

/** The headers of a file response served by the API itself (nosniff comes with every response, server-middleware.ts). */
export const downloadHeaders = (filename: string) => ({
  "content-disposition": attachmentDisposition(filename),
  "cache-control": "private, no-store"
})
