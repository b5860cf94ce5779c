#pragma once
// The benchmark email of herald-template-bench (docs/PERFORMANCE.md,
// "Template rendering"): a newsletter of about 2 KB of HTML written twice,
// once in Herald's Liquid and once in Mustache for mstch. Both produce the
// same text (after the normalisation described in template_bench.cpp).
//
// Liquid: twelve outputs with filters, an if/else on the plan, a for over three
// recommended products. Mustache has no filters, so its data carries every
// filtered value already formatted (named after what it holds), and the
// if/else is a section plus an inverted section on a boolean.

namespace herald::bench {

inline constexpr const char* kLiquidEmail = R"liquid(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ vars.headline | truncate: 40 }}</title>
</head><body>
<div class="wrap">
<table role="presentation" width="100%">
<tr><td class="header"><a href="https://shop.example.com/?utm_source=newsletter&amp;utm_medium=email"><img src="https://cdn.example.com/brand/logo.png" alt="Northwind Outfitters"></a></td></tr>
<tr><td class="hero"><img src="https://cdn.example.com/hero/summer-2025.jpg" alt="The summer sale is on"></td></tr>
<tr><td>
<h1>Hi {{ contact.first_name | default: "there" | capitalize }},</h1>
<p>Summer has reached {{ contact.attributes.city | upcase }}, and so has our biggest sale of the year: everything in the shop is up to 40% off until {{ vars.sale_ends | date: "%B %d" }}.</p>
<p>{% if contact.attributes.plan == "pro" %}As a Pro member you also get free express shipping and an extra {{ vars.discount | times: 100 | round }}% off at checkout, no code needed.{% else %}Upgrade to Pro before your {{ contact.attributes.orders | plus: 1 }}th order for free express shipping on everything, all year.{% endif %}</p>
<p>You have <strong>{{ contact.attributes.credit | money }}</strong> of store credit waiting in your account.</p>
<p style="text-align:center"><a class="btn" href="https://shop.example.com/sale?utm_source=newsletter">Shop the sale</a></p>
<h2>Picked for you ({{ vars.picks | size }} of our favourites)</h2>
<table role="presentation" width="100%"><tr>
{% for p in vars.picks %}<td class="product"><a href="{{ p.url }}"><img src="{{ p.image }}" alt="{{ p.name }}"></a><p>{{ p.name }}</p><p class="price">{{ p.price | money }}</p></td>
{% endfor %}</tr></table>
<p>Because you like {{ contact.attributes.interests | join: ", " }}.</p>
</td></tr>
<tr><td class="footer">
<p>You are receiving this email because you signed up at shop.example.com ({{ contact.attributes.plan | capitalize }} plan).</p>
<p><a href="https://shop.example.com/unsubscribe?email={{ contact.email | url_encode }}">Unsubscribe</a></p>
<p>Northwind Outfitters, 1200 Harbor Way, Suite 400, Portland, OR 97209, USA</p>
</td></tr>
</table>
</div>
</body></html>
)liquid";

inline constexpr const char* kMustacheEmail = R"mustache(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{headline_truncated}}</title>
</head><body>
<div class="wrap">
<table role="presentation" width="100%">
<tr><td class="header"><a href="https://shop.example.com/?utm_source=newsletter&amp;utm_medium=email"><img src="https://cdn.example.com/brand/logo.png" alt="Northwind Outfitters"></a></td></tr>
<tr><td class="hero"><img src="https://cdn.example.com/hero/summer-2025.jpg" alt="The summer sale is on"></td></tr>
<tr><td>
<h1>Hi {{greeting_name}},</h1>
<p>Summer has reached {{city_upper}}, and so has our biggest sale of the year: everything in the shop is up to 40% off until {{sale_ends_text}}.</p>
<p>{{#pro}}As a Pro member you also get free express shipping and an extra {{discount_percent}}% off at checkout, no code needed.{{/pro}}{{^pro}}Upgrade to Pro before your {{next_order}}th order for free express shipping on everything, all year.{{/pro}}</p>
<p>You have <strong>{{credit_text}}</strong> of store credit waiting in your account.</p>
<p style="text-align:center"><a class="btn" href="https://shop.example.com/sale?utm_source=newsletter">Shop the sale</a></p>
<h2>Picked for you ({{pick_count}} of our favourites)</h2>
<table role="presentation" width="100%"><tr>
{{#picks}}<td class="product"><a href="{{url}}"><img src="{{image}}" alt="{{name}}"></a><p>{{name}}</p><p class="price">{{price_text}}</p></td>
{{/picks}}</tr></table>
<p>Because you like {{interests_text}}.</p>
</td></tr>
<tr><td class="footer">
<p>You are receiving this email because you signed up at shop.example.com ({{plan_name}} plan).</p>
<p><a href="https://shop.example.com/unsubscribe?email={{email_encoded}}">Unsubscribe</a></p>
<p>Northwind Outfitters, 1200 Harbor Way, Suite 400, Portland, OR 97209, USA</p>
</td></tr>
</table>
</div>
</body></html>
)mustache";

}  // namespace herald::bench
