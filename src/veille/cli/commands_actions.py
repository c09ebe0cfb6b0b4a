"""Every action of the app as a command: star, read, tag, note; tags, watch rules, searches."""

from __future__ import annotations

import argparse
import sys

from veille.cli.arguments import item_id
from veille.cli.context import CommandError, Context
from veille.core import Rule
from veille.core.errors import failure_words
from veille.core.translations import N_, _, ngettext


def _targets(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "items",
        nargs="*",
        type=item_id,
        metavar="ITEM",
        help=_("item ids (shown by `veille items`)"),
    )
    p.add_argument("--query", "-q", help=_("act on every item matching QUERY instead"))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, text in (
        ("star", N_("star items")),
        ("unstar", N_("remove the star from items")),
        ("read", N_("mark items read")),
        ("unread", N_("mark items unread")),
    ):
        p = sub.add_parser(name, help=_(text))
        _targets(p)
        p.set_defaults(func=cmd_flag, flag=name)

    p = sub.add_parser(
        "tag",
        help=_("add (+tag) and remove (-tag) tags on items"),
        description=_(
            "veille tag 12 15 +cnil/sanctions -a-lire\nveille tag --query 'feed:next is:unread' +numérique"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("words", nargs="+", metavar="ITEM|+TAG|-TAG")
    p.add_argument("--query", "-q", help=_("act on every item matching QUERY"))
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser(
        "note",
        help=_("set, print or delete an item's note"),
        description=_(
            "veille note ITEM TEXT sets the note; veille note ITEM - reads it from standard input; veille note ITEM prints it; an empty TEXT deletes."
        ),
    )
    p.add_argument("item", type=item_id)
    p.add_argument("text", nargs="?")
    p.set_defaults(func=cmd_note)

    p = sub.add_parser("tags", help=_("list, rename, merge or delete tags"))
    tags = p.add_subparsers(dest="tags_command", metavar="ACTION")
    tags.add_parser("list", help=_("tags with item and unread counts (the default)"))
    r = tags.add_parser("rename", help=_("rename a tag and its children everywhere (merges)"))
    r.add_argument("old")
    r.add_argument("new")
    d = tags.add_parser("delete", help=_("remove a tag and its children from every item"))
    d.add_argument("name")
    p.set_defaults(func=cmd_tags)

    p = sub.add_parser("watch", help=_("list or apply watch rules"))
    watch = p.add_subparsers(dest="watch_command", metavar="ACTION")
    watch.add_parser("list", help=_("rules with their queries, actions and unread counts"))
    a = watch.add_parser("apply", help=_("apply rules to the whole library, with a count"))
    a.add_argument("name", nargs="?", help=_("only this rule"))
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("search", help=_("list, save or delete saved searches"))
    searches = p.add_subparsers(dest="search_command", metavar="ACTION")
    searches.add_parser("list")
    s = searches.add_parser("save")
    s.add_argument("name")
    s.add_argument("query")
    d = searches.add_parser("delete")
    d.add_argument("name")
    p.set_defaults(func=cmd_search)


def resolve_items(ctx: Context, ids: list[int], query: str | None) -> list[int]:
    if query is not None:
        if ids:
            raise CommandError(_("give item ids or --query, not both"))
        return ctx.veille.item_ids(query)
    if not ids:
        raise CommandError(_("which items? give their ids or --query QUERY"))
    return ctx.veille.known_items(ids)


def cmd_flag(ctx: Context, args: argparse.Namespace) -> int:
    ids = resolve_items(ctx, args.items, args.query)
    on = args.flag in ("star", "read")
    if args.flag in ("star", "unstar"):
        changed = ctx.veille.set_marks(ids, starred=on)
    else:
        changed = ctx.veille.set_marks(ids, read=on)
    ctx.print(_flag_changed(args.flag, len(ids)).format(changed=changed, n_ids=len(ids)))
    return 0


def _plural_items() -> str:
    return ngettext("{n:>6} item", "{n:>6} items", 2).format(n=0)


def _flag_changed(flag: str, n: int) -> str:
    # One message per verb: the French names the action, not the English command.
    if flag == "star":
        return ngettext(
            "star: {changed} of {n_ids} item changed", "star: {changed} of {n_ids} items changed", n
        )
    if flag == "unstar":
        return ngettext(
            "unstar: {changed} of {n_ids} item changed",
            "unstar: {changed} of {n_ids} items changed",
            n,
        )
    if flag == "read":
        return ngettext(
            "read: {changed} of {n_ids} item changed", "read: {changed} of {n_ids} items changed", n
        )
    return ngettext(
        "unread: {changed} of {n_ids} item changed",
        "unread: {changed} of {n_ids} items changed",
        n,
    )


def _tag_words(words: list[str]) -> tuple[list[int], list[str], list[str]]:
    """`12 +cnil -a-lire` as (item ids, tags to add, tags to remove)."""
    ids: list[int] = []
    add: list[str] = []
    remove: list[str] = []
    for word in words:
        if word.startswith("+") and len(word) > 1:
            add.append(word[1:])
        elif word.startswith("-") and len(word) > 1 and not word[1:].isdigit():
            remove.append(word[1:])
        elif word.isdigit():
            try:
                ids.append(item_id(word))
            except argparse.ArgumentTypeError as error:
                raise CommandError(str(error)) from None
        else:
            raise CommandError(
                _("{word!r} is neither an item id nor +tag / -tag").format(word=word)
            )
    if not add and not remove:
        raise CommandError(_("nothing to do: add +tag or -tag"))
    return ids, add, remove


def cmd_tag(ctx: Context, args: argparse.Namespace) -> int:
    ids, add, remove = _tag_words(args.words)
    targets = resolve_items(ctx, ids, args.query)
    ctx.veille.tag(targets, add=add, remove=remove)
    ctx.print(
        ngettext("tagged {n_targets} item", "tagged {n_targets} items", len(targets)).format(
            n_targets=len(targets)
        )
        + (f" +{' +'.join(add)}" if add else "")
        + (f" -{' -'.join(remove)}" if remove else "")
    )
    return 0


def cmd_note(ctx: Context, args: argparse.Namespace) -> int:
    item = ctx.veille.item(args.item)
    if args.text is None:
        if item.note:
            ctx.print(item.note)
        return 0
    text = _standard_input() if args.text == "-" else args.text
    ctx.veille.set_note(item.id, text)
    ctx.print(
        (_("note saved on item {id}") if text.strip() else _("note deleted on item {id}")).format(
            id=item.id
        )
    )
    return 0


def _standard_input() -> str:
    """Standard input as UTF-8 text, refused as arguments are when it is not (nothing is saved):
    Python's own decoding would hand lone surrogates on, which no part of veille can store."""
    raw = (
        sys.stdin.buffer.read()
        if hasattr(sys.stdin, "buffer")
        else sys.stdin.read().encode("utf-8", "surrogateescape")
    )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(
            _(
                "standard input is not valid UTF-8 text; veille reads it as UTF-8 (nothing was saved)"
            )
        ) from None


def cmd_tags(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    command = args.tags_command or "list"
    if command == "rename":
        moved = v.rename_tag(args.old, args.new)
        ctx.print(
            ngettext(
                "renamed {old} → {new} on {moved} item",
                "renamed {old} → {new} on {moved} items",
                moved,
            ).format(old=args.old, new=args.new, moved=moved)
        )
    elif command == "delete":
        removed = v.delete_tag(args.name)
        ctx.print(
            ngettext(
                "deleted {name} from {removed} item", "deleted {name} from {removed} items", removed
            ).format(name=args.name, removed=removed)
        )
    else:
        counts = v.tags()
        width = max((len(t.name) for t in counts), default=0)
        for t in counts:
            items = ngettext("{n:>6} item", "{n:>6} items", t.items).format(n=t.items)
            unread = ngettext("{n:>6} unread", "{n:>6} unread", t.unread).format(n=t.unread)
            # The singular is shorter: padded, the unread counts stay in one column.
            ctx.print(f"{t.name:<{width}}  {items:<{len(_plural_items())}}  {unread}")
        if not counts:
            ctx.print(_("no tags yet: `veille tag ITEM +tag`"))
    return 0


def cmd_watch(ctx: Context, args: argparse.Namespace) -> int:
    if args.watch_command == "apply":
        counts = ctx.veille.apply_watches(args.name)
        for name, count in counts.items():
            ctx.print(
                ngettext(
                    "{name}: {count} item matched", "{name}: {count} items matched", count
                ).format(name=name, count=count)
            )
        if not counts:
            ctx.print(_("no watch rules: add [[watch]] entries to config.toml"))
        return 0
    for rule in ctx.veille.watches():
        ctx.print(
            ngettext(
                "{name}: {query}  → {value}  ({unread} unread)",
                "{name}: {query}  → {value}  ({unread} unread)",
                rule.unread,
            ).format(
                name=rule.name,
                query=rule.query,
                value=" ".join(_actions(rule)) or _("(no action)"),
                unread=rule.unread,
            )
        )
        alert = ctx.veille.last_alert(rule.name)
        if alert.get("error"):
            ctx.print(_("  last alert failed: {error}").format(error=failure_words(alert["error"])))
    return 0


def _actions(rule: Rule) -> list[str]:
    flags = (("star", rule.star), ("read", rule.mark_read), ("hide", rule.hide))
    return [f"+{t}" for t in rule.add_tags] + [word for word, on in flags if on]


def cmd_search(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    if args.search_command == "save":
        saved = v.save_search(args.name, args.query)
        ctx.print(_("saved search {name!r}: {query}").format(name=saved.name, query=saved.query))
    elif args.search_command == "delete":
        v.delete_search(args.name)
        ctx.print(_("deleted saved search {name!r}").format(name=args.name))
    else:
        for s in v.saved_searches():
            ctx.print(
                ngettext(
                    "{name}: {query}  ({unread} unread)",
                    "{name}: {query}  ({unread} unread)",
                    s.unread,
                ).format(name=s.name, query=s.query, unread=s.unread)
            )
    return 0
