#include "lib/fmt.h"

#include <stdint.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, unsigned long long v, unsigned base, int upper, int neg,
		    int width, char pad, int left)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, total;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	total = n + neg;
	if (neg && pad == '0')
		put(o, '-');
	if (!left)
		for (; total < width; width--)
			put(o, pad);
	if (neg && pad != '0')
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (; total < width; width--)
			put(o, ' ');
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int width = 0, left = 0, lng = 0, alt = 0;
		char pad = ' ';

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (; *fmt == '0' || *fmt == '-' || *fmt == '#'; fmt++) {
			if (*fmt == '0')
				pad = '0';
			else if (*fmt == '-')
				left = 1;
			else
				alt = 1;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l'; fmt++)
			lng++;
		if (left)
			pad = ' ';
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
			put_num(&o, mag, 10, 0, v < 0, width, pad, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long long v = lng >= 2 ? va_arg(ap, unsigned long long)
					       : lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (alt && *fmt != 'u') {
				put(&o, '0');
				put(&o, 'x');
				width -= 2;
			}
			put_num(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0, width, pad, left);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uintptr_t)va_arg(ap, void *), 16, 0, 0, 8, '0', 0);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;
			if (!s)
				s = "(null)";
			while (s[n])
				n++;
			if (!left)
				for (; n < width; width--)
					put(&o, ' ');
			for (int i = 0; s[i]; i++)
				put(&o, s[i]);
			if (left)
				for (; n < width; width--)
					put(&o, ' ');
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default: /* unknown conversion: show it rather than lose it */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
