"""Checks that need a whole drill: ids, chats, branches, loops, and the model replies.

:func:`drill_problems` returns ``(path, message, level)`` findings; the catalog loader turns each
path (keys and list indexes into the drill file) into a line.
"""
from __future__ import annotations

from cstrain.drills.compiled import SINGLE_CHAT, CompiledDrill
from cstrain.drills.text import find_alternative, normalise, phrase_key
from cstrain.format.drill import END, DrillSpec
from cstrain.i18n import msg

Finding = tuple[tuple, str, str]


def drill_problems(spec: DrillSpec) -> list[Finding]:
    found: list[Finding] = []

    def error(path: tuple, message: str) -> None:
        found.append((path, message, "error"))

    _check_buyers(spec, error)
    turn_chats = _check_turns(spec, error)
    _check_phrases(spec, error)
    if found:
        return found  # the flow and model checks below rely on the ids and chats being sound
    drill = CompiledDrill(spec)
    _check_branches(spec, turn_chats, error)
    if found:
        return found
    found.extend(_flow_problems(spec, drill))
    _check_models(spec, drill, error)
    return found


def _check_buyers(spec: DrillSpec, error) -> None:
    if spec.persona is not None and spec.chats is not None:
        error(("chats",), msg("cli_drill_persona_and_chats"))
    elif spec.persona is None and spec.chats is None:
        error(("persona",), msg("cli_drill_no_persona"))
    seen: dict[str, int] = {}
    for index, chat in enumerate(spec.chats or []):
        if chat.id in seen:
            error(("chats", index, "id"), msg("cli_drill_chat_twice", id=chat.id, other=seen[chat.id]))
        seen.setdefault(chat.id, index)


def _check_turns(spec: DrillSpec, error) -> dict[str, str]:
    """Turn and checkpoint ids, and the chat of each turn; returns turn id → chat."""
    # with both persona and chats, that one error is enough: the turns are not checked as peak turns
    peak = spec.chats is not None and spec.persona is None
    chats = [chat.id for chat in spec.chats] if peak else None
    turn_chats: dict[str, str] = {}
    first_index: dict[str, int] = {}
    for index, turn in enumerate(spec.turns):
        where = ("turns", index)
        if turn.id == END:
            error(where + ("id",), msg("cli_drill_end_id", end=END))
        elif turn.id in first_index:
            error(where + ("id",), msg("cli_drill_turn_twice", id=turn.id, other=first_index[turn.id]))
        else:
            first_index[turn.id] = index
        if chats is None and turn.chat is not None:
            error(where + ("chat",), msg("cli_drill_chat_not_peak"))
        elif chats is not None and turn.chat is None:
            error(where, msg("cli_drill_chat_missing", chats=", ".join(chats)))
        elif chats is not None and turn.chat not in chats:
            error(where + ("chat",), msg("cli_drill_chat_unknown", id=turn.chat, chats=", ".join(chats)))
        turn_chats.setdefault(turn.id, turn.chat or SINGLE_CHAT)
        checkpoints: dict[str, int] = {}
        for cp_index, checkpoint in enumerate(turn.expect):
            if checkpoint.id in checkpoints:
                error(where + ("expect", cp_index, "id"), msg(
                    "cli_drill_checkpoint_twice", id=checkpoint.id, other=checkpoints[checkpoint.id]))
            checkpoints.setdefault(checkpoint.id, cp_index)
    for index, chat in enumerate(spec.chats if peak else []):
        if chat.id not in turn_chats.values():
            error(("chats", index), msg("cli_drill_chat_no_turns", id=chat.id))
    return turn_chats


def _check_phrases(spec: DrillSpec, error) -> None:
    def check(path: tuple, alternatives) -> None:
        for index, alternative in enumerate(alternatives):
            phrases = [(path + (index,), alternative)] if isinstance(alternative, str) else [
                (path + (index, member), phrase) for member, phrase in enumerate(alternative)]
            for where, phrase in phrases:
                if not phrase_key(phrase):
                    error(where, msg("cli_drill_phrase_empty", phrase=phrase))

    for name, words in spec.synonyms.items():
        check(("synonyms", name), [name])
        check(("synonyms", name), words)
    for index, turn in enumerate(spec.turns):
        for cp_index, checkpoint in enumerate(turn.expect):
            check(("turns", index, "expect", cp_index, "any"), checkpoint.any)
        for avoid_index, avoid in enumerate(turn.avoid):
            check(("turns", index, "avoid", avoid_index, "any"), avoid.any)


def _check_branches(spec: DrillSpec, turn_chats: dict[str, str], error) -> None:
    for index, turn in enumerate(spec.turns):
        checkpoints = {checkpoint.id for checkpoint in turn.expect}
        chat = turn_chats[turn.id]
        always = None
        for b_index, branch in enumerate(turn.next):
            where = ("turns", index, "next", b_index)
            if always is not None:
                error(where, msg("cli_drill_branch_shadowed", index=always))
            for key in ("hit", "missed"):
                for c_index, cp in enumerate(getattr(branch, key)):
                    if cp not in checkpoints:
                        known = ", ".join(sorted(checkpoints)) or msg("cli_drill_none")
                        error(where + (key, c_index), msg("cli_drill_no_checkpoint", id=cp, known=known))
            both = sorted(set(branch.hit) & set(branch.missed))
            if both:
                error(where, msg("cli_drill_hit_and_missed", id=both[0]))
            if branch.goto != END:
                if branch.goto not in turn_chats:
                    error(where + ("goto",), msg("cli_drill_goto_unknown", id=branch.goto, end=END))
                elif turn_chats[branch.goto] != chat:
                    error(where + ("goto",), msg("cli_drill_goto_other_chat", id=branch.goto,
                                                 chat=turn_chats[branch.goto]))
            if not branch.hit and not branch.missed and always is None:
                always = b_index


def _flow_problems(spec: DrillSpec, drill: CompiledDrill) -> list[Finding]:
    """Loops with no way out (an error) and turns no path reaches (a warning)."""
    found: list[Finding] = []
    index_of = {turn.id: index for index, turn in enumerate(spec.turns)}
    for chat in drill.chat_ids:
        start = drill.first[chat]
        reachable = _reach(start, drill.edges)
        # turns from which the end can be reached, found backwards from the turns that end
        exits = {tid for tid in reachable if None in drill.edges(tid)}
        grew = True
        while grew:
            grew = False
            for tid in reachable - exits:
                if any(nxt in exits for nxt in drill.edges(tid)):
                    exits.add(tid)
                    grew = True
        stuck = [tid for tid in sorted(reachable - exits, key=index_of.get)]
        if stuck:
            loop = _loop_from(stuck[0], drill, set(stuck))
            found.append((("turns", index_of[loop[0]], "next"),
                          msg("cli_drill_loop", loop=" → ".join(loop + [loop[0]]), end=END), "error"))
        for turn in spec.turns:
            if drill.turns[turn.id].chat == chat and turn.id not in reachable:
                found.append((("turns", index_of[turn.id], "id"),
                              msg("cli_drill_unreachable", id=turn.id),
                              "warning"))
    return found


def _reach(start: str | None, edges) -> set[str]:
    seen: set[str] = set()
    todo = [start] if start else []
    while todo:
        tid = todo.pop()
        if tid in seen:
            continue
        seen.add(tid)
        todo.extend(nxt for nxt in edges(tid) if nxt is not None)
    return seen


def _loop_from(start: str, drill: CompiledDrill, stuck: set[str]) -> list[str]:
    path = [start]
    while True:
        nxt = next(tid for tid in drill.edges(path[-1]) if tid in stuck)
        if nxt in path:
            return path[path.index(nxt):]
        path.append(nxt)


def _check_models(spec: DrillSpec, drill: CompiledDrill, error) -> None:
    """A model reply must earn what it models: every checkpoint hit, nothing to avoid said."""
    for index, turn in enumerate(spec.turns):
        compiled = drill.turns[turn.id]
        text = normalise(turn.model)
        for checkpoint in compiled.checkpoints:
            if not any(find_alternative(text, alt) for alt in checkpoint.rule.alternatives):
                error(("turns", index, "model"), msg("cli_drill_model_misses", id=checkpoint.id))
        for avoid in compiled.avoids:
            for alternative in avoid.rule.alternatives:
                spans = find_alternative(text, alternative)
                if spans:
                    said = "、".join(turn.model[start:end] for start, end in spans)
                    error(("turns", index, "model"),
                          msg("cli_drill_model_avoids", said=said, index=avoid.index))
                    break

