import { MailContent } from "../../domain/mail/mail.js"

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")

interface Template {
  readonly subject: string
  readonly paragraphs: ReadonlyArray<string>
  readonly action?: { readonly label: string; readonly url: string }
}

/** One small layout for every mail: plain text and HTML say the same thing. */
const render = (to: string, name: string, template: Template): MailContent => {
  const greeting = `Hello ${name},`
  const textParts = [greeting, ...template.paragraphs]
  if (template.action) textParts.push(`${template.action.label}: ${template.action.url}`)
  textParts.push("— BrainOps")
  const htmlParts = [
    `<p>${escapeHtml(greeting)}</p>`,
    ...template.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(template.action
      ? [`<p><a href="${escapeHtml(template.action.url)}">${escapeHtml(template.action.label)}</a></p>`]
      : []),
    "<p>— BrainOps</p>"
  ]
  return new MailContent({
    to,
    subject: template.subject,
    text: textParts.join("\n\n") + "\n",
    html: `<!doctype html><html><body>${htmlParts.join("")}</body></html>`
  })
}

const link = (base: string, path: string, token: string) => `${base}${path}?token=${encodeURIComponent(token)}`

export const verificationMail = (to: string, name: string, base: string, token: string) =>
  render(to, name, {
    subject: "Confirm your email address",
    paragraphs: ["Please confirm that this is your email address. The link works once and expires in 24 hours."],
    action: { label: "Confirm your email", url: link(base, "/verify-email", token) }
  })

export const passwordResetMail = (to: string, name: string, base: string, token: string, minutes: number) =>
  render(to, name, {
    subject: "Reset your password",
    paragraphs: [
      `Someone asked to reset the password of this account. The link works once and expires in ${minutes} minutes.`,
      "If it was not you, ignore this mail: your password stays as it is."
    ],
    action: { label: "Choose a new password", url: link(base, "/reset-password", token) }
  })

/** After a reset, the owner learns what it ended: every session, and how many API keys. */
export const passwordWasResetMail = (to: string, name: string, revokedApiKeys: number) =>
  render(to, name, {
    subject: "Your password was reset",
    paragraphs: [
      "The password of your account was reset and every session was signed out.",
      revokedApiKeys === 0
        ? "You had no active API keys, so none were revoked."
        : `${revokedApiKeys} API ${revokedApiKeys === 1 ? "key was" : "keys were"} revoked: create new ones for the tools that used them.`,
      "If this was not you, reset your password again now and review your sessions."
    ]
  })

export const accountLockedMail = (to: string, name: string, base: string, token: string, minutes: number) =>
  render(to, name, {
    subject: "Your account was locked after failed sign-ins",
    paragraphs: [
      `There were too many failed sign-ins to your account, so it is locked for ${minutes} minutes.`,
      "If it was you, you can unlock it now with the link below. If not, consider changing your password."
    ],
    action: { label: "Unlock your account", url: link(base, "/unlock-account", token) }
  })

export const securityNoticeMail = (to: string, name: string, subject: string, what: string) =>
  render(to, name, {
    subject,
    paragraphs: [what, "If this was not you, change your password now and review your sessions."]
  })
