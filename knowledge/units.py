"""Number scales and currency names shared by extraction and admin value parsing."""

from __future__ import annotations

# Scale words and suffixes → multiplier ("72 billion", "US$1.2bn", "15万").
SCALES: dict[str, float] = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "万": 1e4, "亿": 1e8,
}  # fmt: skip

# Currency words and symbols, lower-cased → ISO code.
CURRENCIES: dict[str, str] = {
    "us$": "USD", "$": "USD", "usd": "USD", "dollars": "USD", "dollar": "USD", "us dollars": "USD",
    "rmb": "CNY", "cny": "CNY", "yuan": "CNY", "¥": "CNY", "renminbi": "CNY", "元": "CNY",
    "€": "EUR", "eur": "EUR", "euros": "EUR", "euro": "EUR",
    "hk$": "HKD", "hkd": "HKD", "£": "GBP", "gbp": "GBP", "pounds": "GBP", "jpy": "JPY",
}  # fmt: skip
