"""A realistic tool catalog and a labelled set of agent queries, for ``bench_catalog.py``.

The catalog is shaped like an integration platform's: business domains, each with resources
and the actions an API offers on them, described the way tool authors write descriptions
(with the usual synonyms: remove/delete, edit/update, look up/get). ``base_catalog()`` has
the 600+ tools the quality figures use; ``scaled_catalog(n)`` repeats the domains across
generated vendor names (``"zentora_crm_create_contact"``) for the latency figures.

``LABELLED_QUERIES`` are what an agent types into ``browse_toolkit``: keywords, plurals and
verb forms, synonyms found in descriptions, filler words. Each maps to the tool names a
human judged relevant.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    category: str
    tags: tuple[str, ...]
    group: str


ACTIONS = {
    "list": "List {plural} with filters and paging.",
    "get": "Fetch one {noun} by id and look up its details.",
    "create": "Create a new {noun}.",
    "update": "Update (edit) the fields of an existing {noun}.",
    "delete": "Permanently delete (remove) a {noun}.",
    "search": "Search {plural} by keyword.",
    "export": "Export {plural} to a CSV or JSON file.",
}

# domain -> (system name, tags, {resource: (description of the noun, plural), ...}, extras)
DOMAINS: dict[str, tuple[str, tuple[str, ...], dict[str, tuple[str, str]], dict[str, str]]] = {
    "crm": (
        "the CRM",
        ("customer", "sales"),
        {
            "contact": ("customer contact (a person with email and phone)", "contacts"),
            "company": ("company account", "companies"),
            "deal": ("sales deal in the pipeline", "deals"),
            "lead": ("sales lead", "leads"),
            "note": ("note attached to a customer record", "notes"),
        },
        {
            "merge_contacts": "Merge duplicate customer contacts into one record.",
            "convert_lead": "Convert a qualified lead into a contact and a deal.",
            "log_call": "Log a phone call with a customer in the CRM timeline.",
        },
    ),
    "billing": (
        "the billing system",
        ("payments", "finance"),
        {
            "invoice": ("invoice sent to a customer", "invoices"),
            "payment": ("card or bank payment", "payments"),
            "subscription": ("recurring subscription plan of a customer", "subscriptions"),
            "coupon": ("discount coupon code", "coupons"),
            "price": ("product price", "prices"),
        },
        {
            "refund_payment": "Refund a customer's payment, fully or partially.",
            "cancel_subscription": "Cancel a recurring subscription at the end of the period.",
            "send_invoice": "Email an invoice to the customer for payment.",
            "charge_card": "Charge a saved credit card immediately.",
        },
    ),
    "email": (
        "the mailbox",
        ("email", "communication"),
        {
            "message": ("email message", "messages"),
            "draft": ("email draft", "drafts"),
            "template": ("reusable email template", "templates"),
            "folder": ("mailbox folder (label)", "folders"),
            "attachment": ("file attached to an email", "attachments"),
        },
        {
            "send_message": "Send an email to one or more recipients.",
            "reply_message": "Reply to an email thread.",
            "forward_message": "Forward an email to another address.",
        },
    ),
    "calendar": (
        "the calendar",
        ("calendar", "scheduling"),
        {
            "event": ("calendar event or meeting", "events"),
            "calendar": ("calendar of a person or room", "calendars"),
            "reminder": ("reminder notification before an event", "reminders"),
            "attendee": ("attendee invited to a meeting", "attendees"),
            "room": ("bookable meeting room", "rooms"),
        },
        {
            "find_free_slot": "Find a free time slot when all attendees are available.",
            "schedule_meeting": "Schedule a meeting and invite attendees.",
            "rsvp_event": "Accept or decline an invitation to an event.",
        },
    ),
    "storage": (
        "cloud storage",
        ("files", "storage"),
        {
            "file": ("stored file", "files"),
            "folder": ("storage folder (directory)", "folders"),
            "share_link": ("public share link to a file", "share links"),
            "bucket": ("storage bucket", "buckets"),
            "version": ("previous version of a file", "versions"),
        },
        {
            "upload_file": "Upload a local file to cloud storage.",
            "download_file": "Download a file from cloud storage.",
            "move_file": "Move or rename a file.",
        },
    ),
    "devops": (
        "the infrastructure",
        ("devops", "infrastructure"),
        {
            "deployment": ("application deployment (release)", "deployments"),
            "server": ("virtual machine server instance", "servers"),
            "container": ("running docker container", "containers"),
            "build": ("CI build pipeline run", "builds"),
            "alert": ("monitoring alert", "alerts"),
        },
        {
            "rollback_deployment": "Roll back a deployment to the previous release.",
            "restart_server": "Reboot (restart) a server instance.",
            "tail_logs": "Stream the latest log lines of a service.",
            "scale_service": "Scale a service up or down to a number of replicas.",
        },
    ),
    "hr": (
        "the HR system",
        ("hr", "people"),
        {
            "employee": ("employee record", "employees"),
            "leave_request": ("vacation or sick leave request (time off)", "leave requests"),
            "payslip": ("monthly payslip (salary statement)", "payslips"),
            "job_posting": ("open job position posting", "job postings"),
            "candidate": ("job applicant (candidate)", "candidates"),
        },
        {
            "approve_leave": "Approve an employee's time off request.",
            "onboard_employee": "Start onboarding for a new hire: accounts, equipment, checklist.",
        },
    ),
    "support": (
        "the helpdesk",
        ("support", "customer"),
        {
            "ticket": ("support ticket (customer issue)", "tickets"),
            "comment": ("comment on a support ticket", "comments"),
            "macro": ("canned reply macro", "macros"),
            "article": ("help center knowledge base article", "articles"),
            "satisfaction_rating": ("customer satisfaction (CSAT) rating", "satisfaction ratings"),
        },
        {
            "assign_ticket": "Assign a support ticket to an agent or team.",
            "escalate_ticket": "Escalate a ticket to a human supervisor.",
            "close_ticket": "Mark a support ticket as solved and close it.",
        },
    ),
    "analytics": (
        "the analytics platform",
        ("analytics", "reporting"),
        {
            "report": ("saved analytics report", "reports"),
            "dashboard": ("dashboard of charts", "dashboards"),
            "metric": ("tracked business metric (KPI)", "metrics"),
            "funnel": ("conversion funnel", "funnels"),
            "segment": ("user segment (cohort)", "segments"),
        },
        {
            "run_query": "Run a SQL query against the data warehouse.",
            "track_event": "Track a product usage event for a user.",
        },
    ),
    "messaging": (
        "the messaging service",
        ("messaging", "communication"),
        {
            "sms": ("SMS text message to a phone number", "SMS messages"),
            "chat_message": ("chat message in a team channel", "chat messages"),
            "channel": ("team chat channel", "channels"),
            "push_notification": ("mobile push notification", "push notifications"),
            "whatsapp_message": ("WhatsApp message", "WhatsApp messages"),
        },
        {
            "send_sms": "Send an SMS text message to a phone number.",
            "post_chat_message": "Post a message to a team chat channel.",
            "send_push_notification": "Send a push notification to a user's phone.",
        },
    ),
    "docs": (
        "the document editor",
        ("documents", "writing"),
        {
            "document": ("text document", "documents"),
            "spreadsheet": ("spreadsheet (sheet with cells)", "spreadsheets"),
            "presentation": ("slide presentation", "presentations"),
            "comment": ("comment on a document", "comments"),
            "page": ("wiki page", "pages"),
        },
        {
            "append_row": "Append a row of values to a spreadsheet.",
            "summarize_document": "Summarize a long document into key points.",
            "translate_document": "Translate a document into another language.",
        },
    ),
    "security": (
        "the security console",
        ("security", "access"),
        {
            "secret": ("secret value in the vault (password, token)", "secrets"),
            "api_key": ("API key", "API keys"),
            "role": ("access role with permissions", "roles"),
            "audit_log": ("audit log entry of who did what", "audit logs"),
            "user": ("user account", "users"),
        },
        {
            "rotate_secret": "Rotate a secret and store the new value in the vault.",
            "revoke_api_key": "Revoke an API key so it stops working.",
            "reset_password": "Reset a user's password and email a reset link.",
            "enable_mfa": "Enable multi-factor authentication (2FA) for a user.",
        },
    ),
    "shop": (
        "the online store",
        ("ecommerce", "store"),
        {
            "product": ("product in the catalog", "products"),
            "order": ("customer order", "orders"),
            "cart": ("shopping cart", "carts"),
            "shipment": ("shipment (parcel delivery)", "shipments"),
            "inventory_item": ("inventory stock level of a product", "inventory items"),
        },
        {
            "track_shipment": "Track where a parcel is with the carrier.",
            "fulfill_order": "Fulfill an order: pick, pack and ship it.",
            "adjust_stock": "Adjust the stock quantity of a product in inventory.",
        },
    ),
    "marketing": (
        "the marketing suite",
        ("marketing", "campaigns"),
        {
            "campaign": ("marketing campaign", "campaigns"),
            "audience": ("audience list of subscribers", "audiences"),
            "newsletter": ("email newsletter", "newsletters"),
            "social_post": ("social media post", "social posts"),
            "landing_page": ("landing page", "landing pages"),
        },
        {
            "schedule_social_post": "Schedule a post on social media for later.",
            "ab_test_subject": "Run an A/B test of newsletter subject lines.",
        },
    ),
    "finance": (
        "the accounting ledger",
        ("finance", "accounting"),
        {
            "expense": ("expense report item (receipt)", "expenses"),
            "budget": ("department budget", "budgets"),
            "journal_entry": ("accounting journal entry", "journal entries"),
            "vendor_bill": ("bill from a vendor (accounts payable)", "vendor bills"),
            "bank_transaction": ("bank account transaction", "bank transactions"),
        },
        {
            "convert_currency": "Convert an amount between currencies at today's exchange rate.",
            "reconcile_account": "Reconcile bank transactions with the ledger.",
        },
    ),
    "projects": (
        "the project tracker",
        ("projects", "tasks"),
        {
            "task": ("task (to-do item)", "tasks"),
            "project": ("project", "projects"),
            "sprint": ("agile sprint", "sprints"),
            "milestone": ("project milestone (deadline)", "milestones"),
            "time_entry": ("time tracking entry (hours worked)", "time entries"),
        },
        {
            "assign_task": "Assign a task to a team member.",
            "complete_task": "Mark a task as done.",
        },
    ),
    "data": (
        "public data APIs",
        ("data", "api"),
        {
            "weather_forecast": ("weather forecast for a city", "weather forecasts"),
            "stock_quote": ("stock market price quote", "stock quotes"),
            "news_article": ("news article", "news articles"),
            "exchange_rate": ("currency exchange rate", "exchange rates"),
            "holiday": ("public holiday of a country", "holidays"),
        },
        {
            "geocode_address": "Turn a street address into latitude and longitude.",
            "current_weather": "Current weather conditions for a city.",
            "web_search": "Search the web and return the top results.",
        },
    ),
}


def base_catalog(prefix: str = "", vendor: str = "") -> list[Tool]:
    """The realistic catalog: every domain's resources x actions, plus its extra tools."""
    tools: list[Tool] = []
    for domain, (system, tags, resources, extras) in DOMAINS.items():
        where = f" in {vendor or system}."
        group = f"{prefix}{domain}"
        for resource, (noun, plural) in resources.items():
            for action, template in ACTIONS.items():
                text = template.format(noun=noun, plural=plural)[:-1] + where
                tools.append(
                    Tool(
                        f"{prefix}{domain}_{action}_{resource}",
                        text,
                        domain,
                        (*tags, resource.replace("_", " ")),
                        f"{group}.{resource}",
                    )
                )
        for name, text in extras.items():
            tools.append(Tool(f"{prefix}{domain}_{name}", text, domain, tags, f"{group}.actions"))
    return tools


_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ze",
    "tu",
    "no",
    "vi",
    "sa",
    "be",
    "do",
    "ri",
    "fa",
    "qu",
    "xo",
    "ly",
    "pe",
    "gu",
    "ta",
    "ne",
]


def vendor_names(count: int, seed: int = 7) -> list[str]:
    """``count`` distinct made-up vendor names, deterministic."""
    rng = random.Random(seed)
    names: dict[str, None] = {}
    while len(names) < count:
        names["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))] = None
    return list(names)


def scaled_catalog(size: int) -> list[Tool]:
    """``size`` tools: the base catalog repeated under as many vendors as needed."""
    per_vendor = len(base_catalog())
    tools: list[Tool] = []
    for vendor in vendor_names(size // per_vendor + 1):
        tools.extend(base_catalog(prefix=f"{vendor}_", vendor=vendor.capitalize()))
        if len(tools) >= size:
            break
    return tools[:size]


LABELLED_QUERIES: list[tuple[str, tuple[str, ...]]] = [
    # plain keywords
    ("refund payment", ("billing_refund_payment",)),
    ("cancel subscription", ("billing_cancel_subscription",)),
    ("send email", ("email_send_message",)),
    ("send sms", ("messaging_send_sms",)),
    ("create invoice", ("billing_create_invoice",)),
    ("list invoices", ("billing_list_invoice",)),
    ("send invoice", ("billing_send_invoice",)),
    ("charge card", ("billing_charge_card",)),
    ("create coupon", ("billing_create_coupon",)),
    ("merge contacts", ("crm_merge_contacts",)),
    ("convert lead", ("crm_convert_lead",)),
    ("create contact", ("crm_create_contact",)),
    ("search contacts", ("crm_search_contact",)),
    ("log call", ("crm_log_call",)),
    ("create deal", ("crm_create_deal",)),
    ("reply email", ("email_reply_message",)),
    ("forward email", ("email_forward_message",)),
    ("email template", ("email_create_template", "email_list_template", "email_get_template")),
    ("email attachments", ("email_list_attachment", "email_get_attachment")),
    ("find free slot", ("calendar_find_free_slot",)),
    ("schedule meeting", ("calendar_schedule_meeting",)),
    ("book room", ("calendar_list_room", "calendar_search_room")),
    ("create reminder", ("calendar_create_reminder",)),
    ("rsvp", ("calendar_rsvp_event",)),
    ("upload file", ("storage_upload_file",)),
    ("download file", ("storage_download_file",)),
    ("share link", ("storage_create_share_link",)),
    ("move file", ("storage_move_file",)),
    ("file versions", ("storage_list_version",)),
    ("rollback deployment", ("devops_rollback_deployment",)),
    ("restart server", ("devops_restart_server",)),
    ("logs", ("devops_tail_logs",)),
    ("scale service", ("devops_scale_service",)),
    ("list alerts", ("devops_list_alert",)),
    ("approve leave", ("hr_approve_leave",)),
    ("onboard employee", ("hr_onboard_employee",)),
    ("job posting", ("hr_create_job_posting", "hr_list_job_posting")),
    ("payslip", ("hr_get_payslip", "hr_list_payslip")),
    ("escalate ticket", ("support_escalate_ticket",)),
    ("close ticket", ("support_close_ticket",)),
    ("assign ticket", ("support_assign_ticket",)),
    ("knowledge base article", ("support_search_article", "support_get_article")),
    ("run sql query", ("analytics_run_query",)),
    ("track event", ("analytics_track_event",)),
    ("dashboard", ("analytics_get_dashboard", "analytics_list_dashboard")),
    ("conversion funnel", ("analytics_get_funnel",)),
    ("post chat message", ("messaging_post_chat_message",)),
    ("push notification", ("messaging_send_push_notification",)),
    ("whatsapp", ("messaging_create_whatsapp_message",)),
    ("append row spreadsheet", ("docs_append_row",)),
    ("summarize document", ("docs_summarize_document",)),
    ("translate document", ("docs_translate_document",)),
    ("rotate secret", ("security_rotate_secret",)),
    ("revoke api key", ("security_revoke_api_key",)),
    ("reset password", ("security_reset_password",)),
    ("audit log", ("security_search_audit_log", "security_list_audit_log")),
    ("track shipment", ("shop_track_shipment",)),
    ("fulfill order", ("shop_fulfill_order",)),
    ("adjust stock", ("shop_adjust_stock",)),
    ("create product", ("shop_create_product",)),
    ("schedule social post", ("marketing_schedule_social_post",)),
    ("newsletter", ("marketing_create_newsletter", "marketing_list_newsletter")),
    ("convert currency", ("finance_convert_currency",)),
    ("reconcile", ("finance_reconcile_account",)),
    ("expense", ("finance_create_expense", "finance_list_expense")),
    ("complete task", ("projects_complete_task",)),
    ("assign task", ("projects_assign_task",)),
    ("geocode address", ("data_geocode_address",)),
    ("weather", ("data_current_weather", "data_get_weather_forecast")),
    ("stock quote", ("data_get_stock_quote",)),
    ("web search", ("data_web_search",)),
    # plurals and verb forms
    ("refunds", ("billing_refund_payment",)),
    ("refunding payments", ("billing_refund_payment",)),
    ("cancelling subscriptions", ("billing_cancel_subscription",)),
    ("sending emails", ("email_send_message",)),
    ("invoices", ("billing_list_invoice", "billing_search_invoice")),
    ("scheduling meetings", ("calendar_schedule_meeting",)),
    ("uploading files", ("storage_upload_file",)),
    ("secrets", ("security_rotate_secret", "security_list_secret", "security_get_secret")),
    ("restarting servers", ("devops_restart_server",)),
    ("exporting orders", ("shop_export_order",)),
    ("deleted contacts", ("crm_delete_contact",)),
    ("shipments tracking", ("shop_track_shipment",)),
    ("translating documents", ("docs_translate_document",)),
    ("forecasts weather", ("data_get_weather_forecast",)),
    # synonyms the descriptions carry
    ("remove contact", ("crm_delete_contact",)),
    ("edit ticket", ("support_update_ticket",)),
    ("look up order", ("shop_get_order",)),
    ("remove file", ("storage_delete_file",)),
    ("reboot server", ("devops_restart_server",)),
    ("time off request", ("hr_create_leave_request", "hr_approve_leave")),
    ("salary statement", ("hr_get_payslip",)),
    ("2fa", ("security_enable_mfa",)),
    ("csat rating", ("support_get_satisfaction_rating", "support_list_satisfaction_rating")),
    ("parcel", ("shop_track_shipment",)),
    ("hours worked", ("projects_create_time_entry", "projects_list_time_entry")),
    ("canned reply", ("support_list_macro", "support_get_macro")),
    ("todo", ("projects_create_task", "projects_list_task")),
    ("latitude longitude", ("data_geocode_address",)),
    ("kpi", ("analytics_get_metric", "analytics_list_metric")),
    # filler words, as a model phrases a request
    ("a tool to send an email", ("email_send_message",)),
    ("refund a payment for the customer", ("billing_refund_payment",)),
    ("find a free time slot for a meeting", ("calendar_find_free_slot",)),
    ("roll back the last deployment", ("devops_rollback_deployment",)),
    ("send a text message to a phone", ("messaging_send_sms",)),
    ("cancel my subscription", ("billing_cancel_subscription",)),
    ("exchange rate between currencies", ("finance_convert_currency", "data_get_exchange_rate")),
    ("escalate to a human", ("support_escalate_ticket",)),
    ("post on social media", ("marketing_schedule_social_post", "marketing_create_social_post")),
    ("search the web", ("data_web_search",)),
]
