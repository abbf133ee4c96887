from gan_course.ui.lesson_page import render

render("04_where_next")
