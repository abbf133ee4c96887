"""Entry point: `streamlit run app/main.py`."""

from gan_course.ui.shell import run

run()
