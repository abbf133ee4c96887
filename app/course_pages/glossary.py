from gan_course.ui.lesson_page import render_glossary

render_glossary()
