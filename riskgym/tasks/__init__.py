"""Tasks as data: the schema and the loader for tasks/."""
from riskgym.tasks.loader import TaskError, load_task_file, load_tasks, select
from riskgym.tasks.schema import CATEGORIES, ENVIRONMENTAL, USER, Task

__all__ = ["CATEGORIES", "ENVIRONMENTAL", "USER", "Task", "TaskError", "load_task_file", "load_tasks", "select"]
