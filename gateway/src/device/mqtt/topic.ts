/** MQTT topic filter matching ("+" one level, "#" the rest), as MQTT 3.1.1 section 4.7 defines it. Pure. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // Filters starting with a wildcard do not match topics starting with "$" (e.g. $SYS).
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
