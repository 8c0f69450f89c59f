//! Replies with a person in the loop: `rapport draft POST_ID --text TEXT` (or `--template FILE`)
//! stores a draft answer to a stored post; `rapport drafts` lists them; `rapport send DRAFT_ID` shows
//! one draft, asks, and sends it as one reply through the X user client.
//!
//! The rules (see docs/inbox.md):
//!
//! - **One message at a time.** `send` takes one draft id; there is no bulk send.
//! - **A person approves.** `send` shows the text, the post it answers and its author, and asks
//!   `[y/N]` on the terminal. Without a terminal it refuses unless `--yes` says a person already
//!   approved. A template only prefills a draft's text: nothing is ever sent from a template.
//! - **Nothing is sent twice.** The store moves the draft to `sending` before the request leaves, then
//!   records what X answered: `sent` with the new post's id, `failed` with the error (nothing was
//!   published; it may be sent again after a new approval), or `unknown_outcome` (the request left and
//!   its answer was lost): a draft that was sent, or may have been, is never sent again, there is no
//!   flag to force it. The user client never retries a write.
//! - **Audited.** Writing a draft and every send attempt are in the audit log (the author or approver
//!   as actor, the answered person as a pseudonymous key, the digest of the text, never the text).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rapport_core::{Corpus, Platform};
use rapport_store::{AuditEntry, Draft, DraftState, PlatformFilter, SendOutcome, StoreError};
use rapport_twitter::client::user_client::{
    UserClientConfig, UserClientError, UserRef, XUserClient,
};
use rapport_twitter::client::{ClientError, DEFAULT_BASE_URL};
use serde_json::json;

use super::auth::{TokenArgs, runtime};
use super::output::{OutputArgs, Result3, emit};
use super::{CmdError, Outcome, StoreArg};

/// The environment variable naming the person operating rapport (the default `--author` and
/// `--approver`); `USER` (or `USERNAME`) when unset.
pub(crate) const OPERATOR_ENV: &str = "RAPPORT_OPERATOR";

/// Arguments of `rapport draft`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("content").required(true).args(["text", "template"])))]
pub(crate) struct DraftArgs {
    /// The stored post to answer (an X post id). Import or sync its conversation first, so whoever
    /// approves the reply sees what it answers.
    pub post_id: String,
    /// The text of the reply.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    /// A text file that prefills the reply: `{handle}` (the post author's handle, without `@`),
    /// `{name}` (their display name, else their handle) and `{post_id}` are replaced, `{{` and `}}`
    /// are literal braces. The result is stored as a draft like any other: a template never sends.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Who writes the draft (the person operating rapport, not an X account) [env:
    /// RAPPORT_OPERATOR; default: $USER].
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// Print the stored draft as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArg,
}

/// A draft state as `--state` accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StateArg {
    /// Written, not sent.
    Draft,
    /// A send started and did not record its answer.
    Sending,
    /// Published.
    Sent,
    /// Refused by X or never sent.
    Failed,
    /// Sent, and its answer was lost: may be published.
    #[value(name = "unknown_outcome")]
    UnknownOutcome,
}

impl StateArg {
    fn state(self) -> DraftState {
        match self {
            StateArg::Draft => DraftState::Draft,
            StateArg::Sending => DraftState::Sending,
            StateArg::Sent => DraftState::Sent,
            StateArg::Failed => DraftState::Failed,
            StateArg::UnknownOutcome => DraftState::UnknownOutcome,
        }
    }
}

/// Arguments of `rapport drafts`.
#[derive(Debug, clap::Args)]
pub(crate) struct DraftsArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Only the drafts in this state.
    #[arg(long, value_enum, value_name = "STATE")]
    pub state: Option<StateArg>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `rapport send`.
#[derive(Debug, clap::Args)]
pub(crate) struct SendArgs {
    /// The draft to send (its id, from `rapport drafts`).
    pub draft_id: i64,
    /// Do not ask: a person already approved this draft (required when standard input is not a
    /// terminal).
    #[arg(long)]
    pub yes: bool,
    /// Print the request that would be sent (method, URL, JSON body); send nothing, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Who approves the send (recorded with the draft and in the audit log) [env: RAPPORT_OPERATOR;
    /// default: $USER].
    #[arg(long, value_name = "NAME")]
    pub approver: Option<String>,
    /// How long to wait for X's answer, in seconds. A reply whose answer does not come in time is
    /// recorded as `unknown_outcome` and never sent again.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
    /// Print the draft after the send (or the request, with --dry-run) as JSON.
    #[arg(long)]
    pub json: bool,
    /// The API's base URL (a local mock server in tests).
    #[arg(long, value_name = "URL", env = "RAPPORT_X_BASE_URL", default_value = DEFAULT_BASE_URL)]
    pub base_url: String,
    #[command(flatten)]
    pub tokens: TokenArgs,
    #[command(flatten)]
    pub store: StoreArg,
}

/// The person operating rapport: the flag, else `RAPPORT_OPERATOR`, else the login name.
fn operator(given: Option<&str>, flag: &str) -> Result<String, CmdError> {
    let nonempty = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    given
        .map(str::to_owned)
        .and_then(nonempty)
        .or_else(|| std::env::var(OPERATOR_ENV).ok().and_then(nonempty))
        .or_else(|| std::env::var("USER").ok().and_then(nonempty))
        .or_else(|| std::env::var("USERNAME").ok().and_then(nonempty))
        .ok_or_else(|| {
            format!(
                "who is responsible for this? pass {flag} NAME (or set {OPERATOR_ENV}): drafts and \
                 sends name the person who wrote or approved them"
            )
            .into()
        })
}

/// The placeholders a template may use.
const PLACEHOLDERS: &str = "{handle}, {name}, {post_id}";

/// `template` with its `{placeholder}`s replaced by `values`; `{{` and `}}` are literal braces. An
/// unknown or unclosed placeholder is an error naming it.
fn fill_template(template: &str, values: &[(&str, &str)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if tail.starts_with('}') {
            return Err(format!(
                "a lone `}}` at byte {}: write `}}}}` for a literal brace",
                template.len() - tail.len()
            ));
        } else {
            let Some(end) = tail.find('}') else {
                return Err(format!(
                    "a `{{` at byte {} is never closed: write `{{{{` for a literal brace",
                    template.len() - tail.len()
                ));
            };
            let name = &tail[1..end];
            let Some((_, value)) = values.iter().find(|(k, _)| *k == name) else {
                return Err(format!(
                    "unknown placeholder {{{name}}}: expected one of {PLACEHOLDERS} (write `{{{{` \
                     and `}}}}` for literal braces)"
                ));
            };
            out.push_str(value);
            rest = &tail[end + 1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// A draft with what the store knows of the post it answers, as listed and shown.
#[derive(Debug, Default, serde::Serialize)]
struct Row {
    id: i64,
    state: String,
    in_reply_to: String,
    /// The answered post's author, by handle, when the store knows them.
    to_handle: Option<String>,
    in_reply_to_author: Option<String>,
    author: String,
    created_at: DateTime<Utc>,
    attempts: u32,
    attempted_at: Option<DateTime<Utc>>,
    sent_by: Option<String>,
    post_id: Option<String>,
    error: Option<String>,
    text: String,
}

fn row_of(d: &Draft, corpus: &Corpus) -> Row {
    let to_handle = d
        .in_reply_to_author
        .as_deref()
        .and_then(|a| corpus.account_by_id(a))
        .map(|a| a.handle_or_id().to_owned());
    Row {
        id: d.id,
        state: d.state.as_str().to_owned(),
        in_reply_to: d.in_reply_to.clone(),
        to_handle,
        in_reply_to_author: d.in_reply_to_author.clone(),
        author: d.author.clone(),
        created_at: d.created_at,
        attempts: d.attempts,
        attempted_at: d.attempted_at,
        sent_by: d.sent_by.clone(),
        post_id: d.post_id.clone(),
        error: d.error.clone(),
        text: d.text.clone(),
    }
}

fn whom(handle: Option<&str>, id: Option<&str>) -> String {
    match (handle, id) {
        (Some(h), _) => format!("@{h}"),
        (None, Some(id)) => format!("account {id}"),
        (None, None) => "an unknown account".to_owned(),
    }
}

/// Runs `rapport draft`.
pub(crate) fn run_draft(args: &DraftArgs) -> Result<Outcome, CmdError> {
    let post_id = args.post_id.trim();
    if post_id.is_empty() || post_id.len() > 19 || !post_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{:?} is not an X post id (1 to 19 digits): drafts are sent as X replies",
            args.post_id
        )
        .into());
    }
    let author = operator(args.author.as_deref(), "--author")?;
    let mut store = args.store.open_existing()?;
    let corpus = store.load_corpus_for(PlatformFilter::Only(Platform::X))?;
    let text = match (&args.text, &args.template) {
        (Some(t), _) => t.clone(),
        (None, Some(path)) => {
            let template = std::fs::read_to_string(path)
                .map_err(|e| format!("template {}: {e}", path.display()))?;
            let post = corpus
                .post_by_id(post_id)
                .ok_or(StoreError::UnknownPost(post_id.to_owned()))?;
            let who = post.author();
            let handle = who.handle_or_id();
            let name = who
                .display_name()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(handle);
            fill_template(
                &template,
                &[("handle", handle), ("name", name), ("post_id", post_id)],
            )
            .map_err(|e| format!("template {}: {e}", path.display()))?
            .trim_end()
            .to_owned()
        }
        (None, None) => return Err("give the reply with --text TEXT or --template FILE".into()),
    };
    let draft = store.add_draft(post_id, &text, &author)?;
    // The store logs sends; the draft itself is logged here, under its author.
    let mut entry = super::audit_entry("draft");
    entry.cohort = draft.in_reply_to_author.iter().cloned().collect();
    entry.output_digest = Some(AuditEntry::digest(draft.text.as_bytes()));
    entry.details = json!({ "draft": draft.id, "template": args.template.is_some() });
    store.set_actor(author.clone());
    store.audit_append(&entry)?;

    let row = row_of(&draft, &corpus);
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&row)?)?;
        return Ok(Outcome::Done);
    }
    writeln!(
        out,
        "Draft {} stored: a reply to post {} by {}, written by {}. Nothing was sent.",
        draft.id,
        draft.in_reply_to,
        whom(row.to_handle.as_deref(), row.in_reply_to_author.as_deref()),
        draft.author
    )?;
    writeln!(out, "  {:?}", draft.text)?;
    writeln!(
        out,
        "Review it with `rapport drafts`; send it, after reading it, with `rapport send {}`.",
        draft.id
    )?;
    Ok(Outcome::Done)
}

/// Runs `rapport drafts`.
pub(crate) fn run_drafts(args: &DraftsArgs) -> Result<Outcome, CmdError> {
    let store = args.store.open_existing()?;
    let corpus = store.load_corpus_for(PlatformFilter::Only(Platform::X))?;
    let wanted = args.state.map(StateArg::state);
    let rows: Vec<Row> = store
        .drafts()?
        .iter()
        .filter(|d| wanted.is_none_or(|s| d.state == s))
        .map(|d| row_of(d, &corpus))
        .collect();
    emit(
        &args.output,
        &Result3 {
            value: &rows,
            text: drafts_text,
            table: drafts_table,
        },
    )?;
    Ok(Outcome::Done)
}

#[allow(clippy::ptr_arg)] // the signature Result3 takes
fn drafts_table(rows: &Vec<Row>) -> Result<rapport_arrow::RecordBatch, rapport_arrow::Error> {
    use rapport_arrow::DataType;
    rapport_arrow::table::with_types(
        &rapport_arrow::record_batch(rows)?,
        &[
            ("to_handle", DataType::Utf8),
            ("in_reply_to_author", DataType::Utf8),
            ("attempted_at", rapport_arrow::table::timestamp_type()),
            ("sent_by", DataType::Utf8),
            ("post_id", DataType::Utf8),
            ("error", DataType::Utf8),
        ],
    )
}

#[allow(clippy::ptr_arg)] // the signature Result3 takes
fn drafts_text(rows: &Vec<Row>, out: &mut dyn Write) -> std::io::Result<()> {
    if rows.is_empty() {
        return writeln!(
            out,
            "No drafts. Write one with `rapport draft POST_ID --text TEXT`."
        );
    }
    writeln!(out, "{} draft(s):", rows.len())?;
    for r in rows {
        writeln!(
            out,
            "  #{} {} · reply to post {} by {} · written by {} on {}",
            r.id,
            r.state,
            r.in_reply_to,
            whom(r.to_handle.as_deref(), r.in_reply_to_author.as_deref()),
            r.author,
            r.created_at.format("%Y-%m-%d %H:%M UTC"),
        )?;
        writeln!(out, "      {:?}", r.text)?;
        match (&r.post_id, &r.error) {
            (Some(p), _) => writeln!(
                out,
                "      sent as post {p} (approved by {})",
                r.sent_by.as_deref().unwrap_or("?")
            )?,
            (None, Some(e)) => writeln!(out, "      attempt {}: {e}", r.attempts)?,
            (None, None) => {}
        }
    }
    Ok(())
}

/// The audit name of a failure, and whether the request may have been applied.
fn outcome_of(e: &UserClientError) -> SendOutcome {
    let error = e.to_string();
    let kind = match e {
        // The request left and its answer was lost, or X answered success in a way that could not
        // be read: it may be published.
        UserClientError::UnknownOutcome { .. }
        | UserClientError::Api(
            ClientError::Timeout { .. }
            | ClientError::BodyTooLarge { .. }
            | ClientError::Server { .. },
        ) => return SendOutcome::UnknownOutcome { error },
        UserClientError::MissingScope { .. } => "missing_scope".to_owned(),
        UserClientError::NotPermitted { .. } => "not_permitted".to_owned(),
        UserClientError::Rejected { .. } => "rejected".to_owned(),
        UserClientError::InvalidArgument { .. } => "invalid_argument".to_owned(),
        UserClientError::Auth(_) => "auth".to_owned(),
        UserClientError::Api(ClientError::RateLimited { .. }) => "rate_limited".to_owned(),
        UserClientError::Api(ClientError::UsageCapped { .. }) => "usage_capped".to_owned(),
        UserClientError::Api(ClientError::Transport { .. }) => "not_sent".to_owned(),
        UserClientError::Api(c) => c
            .status()
            .map_or_else(|| "api_error".to_owned(), |s| format!("http_{s}")),
        _ => "error".to_owned(),
    };
    SendOutcome::Failed { kind, error }
}

fn account(u: &UserRef) -> String {
    match &u.username {
        Some(n) => format!("@{n} (id {})", u.id),
        None => format!("user id {}", u.id),
    }
}

/// Shows what `send` is about to do: the acting account, the answered post and the text.
fn preview(out: &mut dyn Write, d: &Draft, me: &UserRef, corpus: &Corpus) -> std::io::Result<()> {
    writeln!(
        out,
        "Draft {} ({}), written by {} on {}:",
        d.id,
        d.state,
        d.author,
        d.created_at.format("%Y-%m-%d %H:%M UTC")
    )?;
    writeln!(out, "  from:     {}", account(me))?;
    match corpus.post_by_id(&d.in_reply_to) {
        Some(p) => {
            writeln!(
                out,
                "  reply to: post {} by @{} on {}",
                d.in_reply_to,
                p.author().handle_or_id(),
                p.created_at().format("%Y-%m-%d %H:%M UTC")
            )?;
            writeln!(out, "            {:?}", p.text())?;
        }
        None => writeln!(
            out,
            "  reply to: post {} by {} (no longer in the store)",
            d.in_reply_to,
            whom(None, d.in_reply_to_author.as_deref())
        )?,
    }
    writeln!(out, "  text:     {:?}", d.text)?;
    if d.state == DraftState::Failed
        && let Some(e) = &d.error
    {
        writeln!(out, "  last attempt failed: {e}")?;
    }
    Ok(())
}

/// Asks on the terminal; true for `y` or `yes`.
fn confirm(question: &str) -> Result<bool, CmdError> {
    let mut err = std::io::stderr().lock();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Runs `rapport send`.
pub(crate) fn run_send(args: &SendArgs) -> Result<Outcome, CmdError> {
    let mut store = args.store.open_existing()?;
    let id = args.draft_id;
    let draft = store.draft(id)?.ok_or(StoreError::UnknownDraft(id))?;
    if !draft.state.can_send() {
        return Err(StoreError::DraftNotSendable {
            id,
            state: draft.state.as_str(),
            post_id: draft.post_id,
        }
        .into());
    }
    let approver = if args.dry_run {
        None
    } else {
        if !args.yes && !std::io::stdin().is_terminal() {
            return Err(format!(
                "standard input is not a terminal, so no one can be asked to approve draft {id}: \
                 nothing was sent. Run `rapport send {id}` in a terminal, or pass --yes if a \
                 person has already read and approved it"
            )
            .into());
        }
        Some(operator(args.approver.as_deref(), "--approver")?)
    };
    let corpus = store.load_corpus_for(PlatformFilter::Only(Platform::X))?;
    let client = XUserClient::new(
        args.tokens.session()?,
        UserClientConfig {
            base_url: args.base_url.clone(),
            dry_run: args.dry_run,
            timeout: Duration::from_secs(args.timeout.max(1)),
            ..UserClientConfig::default()
        },
    )?;
    let rt = runtime()?;
    // A read first, so the person sees which account the reply will come from.
    let me = rt.block_on(client.me())?;
    let mut out = std::io::stdout().lock();
    if !args.json {
        preview(&mut out, &draft, &me, &corpus)?;
        out.flush()?;
    }

    let Some(approver) = approver else {
        let r = rt.block_on(client.reply(&draft.in_reply_to, &draft.text))?;
        if args.json {
            let v =
                json!({ "dry_run": true, "draft": row_of(&draft, &corpus), "request": r.request });
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        } else {
            writeln!(
                out,
                "Dry run: nothing was sent and draft {id} is unchanged. {} would send:",
                account(&me)
            )?;
            writeln!(out, "{}", r.request)?;
        }
        return Ok(Outcome::Done);
    };
    if !args.yes && !confirm(&format!("Send this reply as {}?", account(&me)))? {
        writeln!(std::io::stderr().lock())?;
        return Err(format!(
            "cancelled: nothing was sent and draft {id} is unchanged (answer y to send it, or pass \
             --yes)"
        )
        .into());
    }

    // From here on the draft is `sending`: whatever happens, it is not sent by a second command.
    let draft = store.begin_send(id, &approver)?;
    let result = rt.block_on(client.reply(&draft.in_reply_to, &draft.text));
    let outcome = match &result {
        Ok(r) => SendOutcome::Sent {
            post_id: r.post_id.clone(),
        },
        Err(e) => outcome_of(e),
    };
    let recorded = store.finish_send(id, &outcome).map_err(|e| {
        let what = match &outcome {
            SendOutcome::Sent { post_id } => format!(
                "X published the reply as post {}",
                post_id.as_deref().unwrap_or("(no id returned)")
            ),
            SendOutcome::Failed { error, .. } => format!("the send failed ({error})"),
            SendOutcome::UnknownOutcome { error } => format!("the outcome is unknown ({error})"),
        };
        format!(
            "{what}, but recording it in the store failed: {e}. Draft {id} stays `sending` and is \
             never sent again"
        )
    })?;
    match (result, &outcome) {
        (Ok(r), _) => {
            if args.json {
                let v = json!({ "dry_run": false, "draft": row_of(&recorded, &corpus), "request": r.request, "data": r.data });
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                match &recorded.post_id {
                    Some(p) => writeln!(
                        out,
                        "Sent: draft {id} is post {p} (https://x.com/i/web/status/{p}), approved by {approver}."
                    )?,
                    None => writeln!(
                        out,
                        "Sent: draft {id} was published (X returned no post id), approved by {approver}."
                    )?,
                }
            }
            Ok(Outcome::Done)
        }
        (Err(e), SendOutcome::UnknownOutcome { .. }) => Err(format!(
            "draft {id}: {e} Recorded as unknown_outcome: it will not be sent again. Look at the \
             replies to post {} from {}; if this reply is not there, write a new draft.",
            recorded.in_reply_to,
            account(&me)
        )
        .into()),
        (Err(e), _) => Err(format!(
            "draft {id} was not sent: {e}. Recorded as failed: nothing was published; once the \
             cause is fixed, `rapport send {id}` asks again."
        )
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_placeholders_and_name_unknown_ones() {
        let v = [("handle", "ada"), ("name", "Ada L."), ("post_id", "11")];
        assert_eq!(
            fill_template("Hi @{handle} ({name}), re {post_id}: {{ok}}", &v).unwrap(),
            "Hi @ada (Ada L.), re 11: {ok}"
        );
        let e = fill_template("Hi {first_name}", &v).unwrap_err();
        assert!(
            e.contains("unknown placeholder {first_name}") && e.contains("{handle}"),
            "{e}"
        );
        assert!(
            fill_template("Hi {handle", &v)
                .unwrap_err()
                .contains("never closed")
        );
        assert!(fill_template("a } b", &v).unwrap_err().contains("lone"));
        assert_eq!(
            fill_template("no placeholders", &v).unwrap(),
            "no placeholders"
        );
    }

    #[test]
    fn lost_answers_are_unknown_outcomes_and_refusals_are_failures() {
        let lost = UserClientError::UnknownOutcome {
            endpoint: "POST /2/tweets".into(),
            reason: "no answer within 1 s".into(),
            text: Some("hi".into()),
        };
        assert!(matches!(
            outcome_of(&lost),
            SendOutcome::UnknownOutcome { .. }
        ));
        let scope = UserClientError::MissingScope {
            endpoint: "POST /2/tweets".into(),
            scope: "tweet.write".into(),
            granted: vec![],
        };
        assert!(
            matches!(outcome_of(&scope), SendOutcome::Failed { kind, .. } if kind == "missing_scope")
        );
    }
}
