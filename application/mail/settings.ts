import { Context } from "effect"

export class MailSettings extends Context.Service<MailSettings, {
  /** Where links in mails point: the public address of the app, without a trailing slash. */
  readonly publicBaseUrl: string
}>()("MailSettings") {}
