// Shell-style patterns for one path component: `*` and `?` (never matching `/`) and `[…]` classes (`[!…]`
// negates), as ld.so.conf's include lines and recipes' trim lists use them.

export function globToRegExp(component: string): RegExp {
  let re = '';
  for (let i = 0; i < component.length; i++) {
    const c = component[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = component.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        const body = component
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whether a component holds any pattern character (else it names itself). */
export function isGlob(component: string): boolean {
  return /[*?[]/.test(component);
}
