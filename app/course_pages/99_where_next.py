from gan_course.ui.lesson_page import render

render("99_where_next")
