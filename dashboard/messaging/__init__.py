"""Coupon campaigns: codes, messages, channels and the outbox sender.

- :mod:`.coupons` — coupon codes (unique, unguessable) and the offer text;
- :mod:`.templates` — message templates with ``{name}``, ``{tier}``, ``{code}``,
  ``{expiry}``, ``{value}`` placeholders, in English and Chinese;
- :mod:`.recipients` — who can be reached on a channel (and why not), the holdout group;
- :mod:`.channels`, :mod:`.smtp`, :mod:`.sms` — the log file, e-mail and SMS channels and the
  outcomes a channel can report;
- :mod:`.sender` — the worker that delivers the outbox exactly once (it makes the channels).

The outbox row is the unit of delivery: it is claimed and marked ``sending`` in a committed
transaction before the provider is called, its outcome is committed right after, and a row
whose outcome was never recorded (the worker died in between) becomes ``unknown`` and waits
for a person's decision instead of being sent again.
"""
