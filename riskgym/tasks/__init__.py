"""Layer 3: tasks as data: the schema, rules and references, and the loader for tasks/."""
from riskgym.tasks.loader import TaskError, find_task, load_task_file, load_tasks, select
from riskgym.tasks.schema import CATEGORIES, ENVIRONMENTAL, USER, Task

__all__ = ["CATEGORIES", "ENVIRONMENTAL", "USER", "Task", "TaskError", "find_task", "load_task_file", "load_tasks",
           "select"]
