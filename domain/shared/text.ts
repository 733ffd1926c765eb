/** Half of a UTF-16 surrogate pair without its other half: not text, and neither UTF-8 nor jsonb can hold it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text)
