"""Solutions of the task families in the languages other than Python: one module per language, each a
table from family name to :class:`~distill.offline.task_bank.porting.Port`."""

from distill.offline.task_bank.ports import cpp, go, java, javascript, rust

PORTS = {
    "javascript": javascript.PORTS,
    "java": java.PORTS,
    "cpp": cpp.PORTS,
    "go": go.PORTS,
    "rust": rust.PORTS,
}
