"""Reception drills (接待模拟): matching replies, the flow of a drill's chats, and the scorer.

``text`` matches replies against phrases; ``compiled`` readies a drill (phrases, synonyms, flow);
``check`` finds what is wrong with a drill as a whole; ``score`` scores a transcript.
"""
from cstrain.drills.compiled import CompiledDrill, compile_drill
from cstrain.drills.score import DrillResult, RedlineChecker, open_turns, score_drill

__all__ = ["CompiledDrill", "compile_drill", "DrillResult", "RedlineChecker", "open_turns", "score_drill"]
